module meterd

go 1.19
