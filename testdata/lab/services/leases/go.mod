module leases

go 1.19
