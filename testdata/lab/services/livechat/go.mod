module livechat

go 1.19
