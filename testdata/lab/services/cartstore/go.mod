module cartstore

go 1.19
