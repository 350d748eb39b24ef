# EKS access entries (not the aws-auth ConfigMap) for the pipeline's roles on existing clusters:
# deploy roles may edit their environment's namespace, source roles may view the source namespace.
# The clusters are read, never created; their authentication mode must admit access entries.

data "aws_partition" "current" {}

locals {
  entries = merge(
    { for env, r in var.deploy_roles : "deploy-${env}" => merge(r, { policy = "AmazonEKSEditPolicy" }) },
    { for env, r in var.source_roles : "source-${env}" => merge(r, { policy = "AmazonEKSViewPolicy" }) },
  )
  clusters = toset([for e in values(local.entries) : e.cluster_name])
}

data "aws_eks_cluster" "this" {
  for_each = local.clusters

  name = each.value

  lifecycle {
    postcondition {
      condition     = contains(["API", "API_AND_CONFIG_MAP"], try(self.access_config[0].authentication_mode, ""))
      error_message = "EKS cluster ${each.value} has authenticationMode ${try(self.access_config[0].authentication_mode, "CONFIG_MAP")}; access entries need API or API_AND_CONFIG_MAP."
    }
  }
}

resource "aws_eks_access_entry" "this" {
  for_each = local.entries

  cluster_name  = data.aws_eks_cluster.this[each.value.cluster_name].name
  principal_arn = each.value.principal_arn
  type          = "STANDARD"
  tags          = var.tags
}

resource "aws_eks_access_policy_association" "this" {
  for_each = local.entries

  cluster_name  = aws_eks_access_entry.this[each.key].cluster_name
  principal_arn = aws_eks_access_entry.this[each.key].principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/${each.value.policy}"

  access_scope {
    type       = "namespace"
    namespaces = [each.value.namespace]
  }
}
