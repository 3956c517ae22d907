module userdir

go 1.19
