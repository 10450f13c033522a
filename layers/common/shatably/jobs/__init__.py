"""Jobs: long generations and edits outside the gateway's 29 s, fed by HTTP, SQS and EventBridge."""
