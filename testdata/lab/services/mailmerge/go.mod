module mailmerge

go 1.19
