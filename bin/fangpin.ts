#!/usr/bin/env node
/** The CDK app (`npx cdk synth`, `npx cdk deploy`), checked by cdk-nag's AwsSolutions rules. */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../lib/app.js';
import { acknowledgeFindings } from '../lib/nag.js';

const { app, stack } = buildApp();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
acknowledgeFindings(stack);
app.synth();
