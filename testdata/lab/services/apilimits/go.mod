module apilimits

go 1.19
