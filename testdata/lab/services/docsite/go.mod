module docsite

go 1.19
