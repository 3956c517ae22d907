module backups

go 1.19
