module dispatch

go 1.19
