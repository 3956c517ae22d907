module usagesync

go 1.19
