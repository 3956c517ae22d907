module avatars

go 1.19
