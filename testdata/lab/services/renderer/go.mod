module renderer

go 1.19
