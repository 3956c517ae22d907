module dnsfwd

go 1.19
