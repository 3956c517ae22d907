module tickerd

go 1.19
