module imagecdn

go 1.19
