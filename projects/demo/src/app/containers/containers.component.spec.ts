import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { Container } from '../api/models';
import { COALESCE_MS, ContainersComponent } from './containers.component';

const ENGINEERING: Container = {
  id: 1,
  name: 'Engineering',
  forumCount: 2,
  createdAt: '2026-01-01T00:00:00Z',
};

function setup() {
  TestBed.configureTestingModule({
    imports: [ContainersComponent],
    providers: [provideHttpClient(), provideHttpClientTesting(), provideNotificationsTesting()],
  });
  const fixture = TestBed.createComponent(ContainersComponent);
  const http = TestBed.inject(HttpTestingController);
  const server = TestBed.inject(NotificationsTestingController);
  fixture.detectChanges();
  return { fixture, http, server, element: fixture.nativeElement as HTMLElement };
}

describe(ContainersComponent.name, () => {
  afterEach(() => jasmine.clock().uninstall());

  it('fetches the list on init and shows it', async () => {
    const { fixture, http, element } = setup();
    http.expectOne('/api/containers').flush([ENGINEERING]);
    await fixture.whenStable();
    expect(element.textContent).toContain('Engineering');
    http.verify();
  });

  it('refetches once when its subscription is confirmed: a change may have come before it', () => {
    const { http, server } = setup();
    http.expectOne('/api/containers').flush([]);
    server.expectSubscribe('containers', 'forums');
    http.expectOne('/api/containers').flush([ENGINEERING]);
    http.verify();
  });

  it('subscribes to containers and forums and refetches when either changes', () => {
    jasmine.clock().install();
    const { http, server } = setup();
    http.expectOne('/api/containers').flush([]);
    server.expectSubscribe('containers', 'forums');
    http.expectOne('/api/containers').flush([]); // the startup reset
    jasmine.clock().tick(COALESCE_MS);
    server.emit({ collection: 'forums', op: 'insert', id: 7 });
    http.expectOne('/api/containers').flush([ENGINEERING]);
    http.verify();
  });

  it('refetches twice, not a hundred times, for a burst of 100 notifications', () => {
    jasmine.clock().install();
    const { http, server } = setup();
    http.expectOne('/api/containers').flush([]);
    server.expectSubscribe('containers', 'forums');
    http.expectOne('/api/containers').flush([]); // the startup reset
    jasmine.clock().tick(COALESCE_MS);
    for (let id = 1; id <= 100; id++) server.emit({ collection: 'forums', op: 'insert', id });
    http.expectOne('/api/containers').flush([]); // leading edge
    jasmine.clock().tick(COALESCE_MS);
    http.expectOne('/api/containers').flush([]); // trailing edge, with the burst's final state
    jasmine.clock().tick(COALESCE_MS * 5);
    http.verify();
  });

  it('offers to delete the forums too when the server refuses a non-empty container (409)', async () => {
    const { fixture, http, element } = setup();
    http.expectOne('/api/containers').flush([ENGINEERING]);
    await fixture.whenStable();
    (
      element.querySelector('[aria-label="Delete container Engineering"]') as HTMLButtonElement
    ).click();
    http
      .expectOne((req) => req.method === 'DELETE' && req.urlWithParams === '/api/containers/1')
      .flush({ error: { code: 'container_not_empty' } }, { status: 409, statusText: 'Conflict' });
    await fixture.whenStable();
    const confirm = element.querySelector('[role="alertdialog"]');
    expect(confirm?.textContent).toContain('Engineering still has forums');
    (
      Array.from(confirm!.querySelectorAll('button')).find((b) =>
        b.textContent?.includes('Delete with forums'),
      ) as HTMLButtonElement
    ).click();
    http
      .expectOne(
        (req) => req.method === 'DELETE' && req.urlWithParams === '/api/containers/1?cascade=true',
      )
      .flush(null, { status: 204, statusText: 'No Content' });
  });

  it('shows the API error message when a write is refused', async () => {
    const { fixture, http, element } = setup();
    http.expectOne('/api/containers').flush([]);
    const input = element.querySelector('#new-container') as HTMLInputElement;
    input.value = 'x';
    (element.querySelector('form') as HTMLFormElement).requestSubmit();
    http
      .expectOne((req) => req.method === 'POST')
      .flush(
        { error: { code: 'invalid_field', field: 'name', message: 'name: must not be empty' } },
        { status: 400, statusText: 'Bad Request' },
      );
    await fixture.whenStable();
    expect(element.querySelector('[role="alert"]')?.textContent).toContain(
      'name: must not be empty',
    );
  });
});
