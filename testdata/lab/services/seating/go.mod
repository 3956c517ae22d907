module seating

go 1.19
