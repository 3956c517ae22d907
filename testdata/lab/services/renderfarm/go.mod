module renderfarm

go 1.19
