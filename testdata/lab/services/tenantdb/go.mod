module tenantdb

go 1.19
