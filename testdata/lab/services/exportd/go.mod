module exportd

go 1.19
