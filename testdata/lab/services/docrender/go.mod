module docrender

go 1.19
