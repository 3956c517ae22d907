module logship

go 1.19
