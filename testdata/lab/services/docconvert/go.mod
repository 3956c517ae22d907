module docconvert

go 1.19
