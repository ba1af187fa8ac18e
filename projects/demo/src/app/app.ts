import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ConnectionBadgeComponent } from './connection-badge/connection-badge.component';
import { ContainersComponent } from './containers/containers.component';
import { ForumDetailComponent } from './forum-detail/forum-detail.component';
import { ForumsComponent } from './forums/forums.component';
import { NotificationLogComponent } from './notification-log/notification-log.component';

@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ConnectionBadgeComponent,
    ContainersComponent,
    ForumDetailComponent,
    ForumsComponent,
    NotificationLogComponent,
  ],
  templateUrl: './app.html',
})
export class App {}
