module stockline

go 1.19
