module tenantgate

go 1.19
