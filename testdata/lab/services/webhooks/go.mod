module webhooks

go 1.19
