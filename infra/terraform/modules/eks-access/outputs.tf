output "access_entry_arns" {
  description = "ARN of each access entry, by key (deploy-<env>, source-<env>)."
  value       = { for k, e in aws_eks_access_entry.this : k => e.access_entry_arn }
}

output "access_policies" {
  description = "Each access entry's policy and namespace, by key: { policy_arn, namespace }."
  value       = { for k, a in aws_eks_access_policy_association.this : k => { policy_arn = a.policy_arn, namespace = one(a.access_scope[0].namespaces) } }
}

output "cluster_arns" {
  description = "ARN of each referenced cluster, by name."
  value       = { for name, c in data.aws_eks_cluster.this : name => c.arn }
}
