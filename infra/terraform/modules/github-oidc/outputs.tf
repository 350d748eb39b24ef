output "arn" {
  description = "ARN of the OIDC provider: the Federated principal of the roles' trust policies."
  value       = local.arn
}

output "url" {
  description = "Issuer URL of the OIDC provider."
  value       = var.url
}

output "issuer" {
  description = "The issuer without its scheme, the prefix of IAM's condition keys (<issuer>:aud, <issuer>:sub)."
  value       = local.issuer
}

output "audience" {
  description = "The audience the roles' trust policies require (the first client ID)."
  value       = var.client_id_list[0]
}
