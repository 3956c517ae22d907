module offerfeed

go 1.19
