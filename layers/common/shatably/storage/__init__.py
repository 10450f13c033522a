"""Storage adapters: one DynamoDB table and one private S3 bucket (DESIGN D10)."""
