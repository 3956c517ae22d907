module reports

go 1.19
