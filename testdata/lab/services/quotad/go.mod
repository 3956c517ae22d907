module quotad

go 1.19
