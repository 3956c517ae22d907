module adstats

go 1.19
