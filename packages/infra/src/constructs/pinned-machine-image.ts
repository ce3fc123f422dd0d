// The image a stage's hosts boot: the Amazon Linux 2023 image pinned in the repository for the
// instance type's architecture, so a new one arrives as a reviewed change to the template.
import { CfnRule, Fn, Stack } from 'aws-cdk-lib';
import { InstanceArchitecture, InstanceType, MachineImage, type IMachineImage } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { MachineArchitecture, MachineImageSettings, PinnedImage } from '@hello/config/define-project';

export interface PinnedMachineImageProps {
  /** The hosts' instance type; its architecture picks the image. */
  readonly instanceType: string;
  /**
   * The pinned images (validated in @hello/config).
   * @default none: the template still synthesizes, but CloudFormation refuses to deploy it
   */
  readonly images?: MachineImageSettings | undefined;
}

/** Picks the pinned image; without one, adds a template rule that fails every create and update. */
export class PinnedMachineImage extends Construct {
  /** The image for the launch template; undefined when nothing is pinned (WebFleet's default then). */
  readonly machineImage: IMachineImage | undefined;
  readonly architecture: MachineArchitecture;
  readonly pinned: PinnedImage | undefined;
  /** `<id> <name>`, or `unpinned`: what the stage runs, for its stack output. */
  readonly description: string;

  constructor(scope: Construct, id: string, props: PinnedMachineImageProps) {
    super(scope, id);
    this.architecture =
      new InstanceType(props.instanceType).architecture === InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64';
    this.pinned = props.images?.images[this.architecture];
    const stack = Stack.of(this);
    if (this.pinned === undefined) {
      this.machineImage = undefined;
      this.description = 'unpinned';
      // CloudFormation checks rules before it changes anything: the stack stays as it was.
      new CfnRule(this, 'Pinned', {
        assertions: [
          {
            assert: Fn.conditionContains(['an image pinned'], 'no image pinned'),
            assertDescription: `No Amazon Linux image is pinned for ${stack.stackName}: run pnpm ami:update with credentials for the account, commit packages/config/src/machine-images.json and deploy that commit (docs/aws-setup.md).`,
          },
        ],
      });
    } else {
      this.machineImage = MachineImage.genericLinux({ [stack.region]: this.pinned.id });
      this.description = `${this.pinned.id} ${this.pinned.name}`;
    }
  }
}
