module blocklist

go 1.19
