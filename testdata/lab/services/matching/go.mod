module matching

go 1.19
