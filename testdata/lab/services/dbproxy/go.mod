module dbproxy

go 1.19
