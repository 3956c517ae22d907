module ciagent

go 1.19
