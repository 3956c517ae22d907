module flagstore

go 1.19
