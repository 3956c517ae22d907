module inbox

go 1.19
