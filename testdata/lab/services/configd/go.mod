module configd

go 1.19
