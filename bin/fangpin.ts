#!/usr/bin/env node
/** The CDK app (`npx cdk synth`, `npx cdk deploy`), checked by cdk-nag's AwsSolutions rules. */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../lib/app.js';

// Acknowledgements live beside the constructs they concern (lib/nag.ts explains why), each with its reason.
const { app } = buildApp();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
