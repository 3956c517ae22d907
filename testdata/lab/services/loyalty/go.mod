module loyalty

go 1.19
