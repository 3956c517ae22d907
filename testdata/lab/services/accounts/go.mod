module accounts

go 1.19
