module reservations

go 1.19
