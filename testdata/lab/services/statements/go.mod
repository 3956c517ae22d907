module statements

go 1.19
