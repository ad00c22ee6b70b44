// infra: the CDK app (`cdk.json` runs it with tsx). One stack; its settings come from the
// context (`-c stackName=DangVien-prod -c alarmEmail=… -c producerScoping=off`, see
// deployment.ts), and cdk-nag's AWS Solutions checks fail synthesis on any finding not
// acknowledged with a reason.
import { createApp } from './deployment.js';

createApp();
