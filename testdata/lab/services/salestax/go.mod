module salestax

go 1.19
