"""Container images: build one from a Dockerfile with the machine's builder, name it after the
git commit, and push it to a registry (`builders`, `version`). Never talks to AWS: the deploy
layer (`deploy.images`) asks ECR where to push and with which credentials."""
