module searchapi

go 1.19
