# Written for crosscheck's tests: the constructs of Django 1.4.x's setup.py (distutils, a
# cmdclass chosen by platform, packages and data files collected by walking the tree, a
# version imported from the package), with its literal metadata. Not Django's code.
from distutils.core import setup
from distutils.command.install_data import install_data
from distutils.command.install import INSTALL_SCHEMES
import os
import sys


class InstallDataBesideLib(install_data):
    def finalize_options(self):
        self.set_undefined_options('install', ('install_lib', 'install_dir'))
        install_data.finalize_options(self)

if sys.platform == "darwin":
    cmdclasses = {'install_data': InstallDataBesideLib}
else:
    cmdclasses = {'install_data': install_data}


def path_parts(path, parts=None):
    parts = parts or []
    head, tail = os.path.split(path)
    if not head or head == path:
        return [tail] + parts if tail else parts
    return path_parts(head, [tail] + parts)


for install_scheme in INSTALL_SCHEMES.values():
    install_scheme['data'] = install_scheme['purelib']

packages, data_files = [], []
if os.path.dirname(__file__):
    os.chdir(os.path.dirname(__file__))
for top, subdirectories, files in os.walk('django'):
    subdirectories[:] = [d for d in subdirectories if not d.startswith('.')]
    if '__init__.py' in files:
        packages.append('.'.join(path_parts(top)))
    elif files:
        data_files.append([top, [os.path.join(top, name) for name in files]])

if len(sys.argv) > 1 and sys.argv[1] == 'bdist_wininst':
    for entry in data_files:
        entry[0] = '\\PURELIB\\%s' % entry[0]

if 'bdist_wheel' in sys.argv:
    raise RuntimeError('This release is not built as a wheel.')

version = __import__('django').get_version()

setup(
    name = "Django",
    version = version,
    url = 'http://www.djangoproject.com/',
    author = 'Django Software Foundation',
    author_email = 'foundation@djangoproject.com',
    description = 'A high-level Python Web framework that encourages rapid development and clean, pragmatic design.',
    download_url = 'https://www.djangoproject.com/m/releases/1.4/Django-1.4.22.tar.gz',
    packages = packages,
    cmdclass = cmdclasses,
    data_files = data_files,
    scripts = ['django/bin/django-admin.py'],
    classifiers = [
        'Development Status :: 5 - Production/Stable',
        'Environment :: Web Environment',
        'Framework :: Django',
        'Intended Audience :: Developers',
        'License :: OSI Approved :: BSD License',
        'Operating System :: OS Independent',
        'Programming Language :: Python',
        'Programming Language :: Python :: 2.5',
        'Programming Language :: Python :: 2.6',
        'Programming Language :: Python :: 2.7',
        'Topic :: Internet :: WWW/HTTP',
        'Topic :: Internet :: WWW/HTTP :: Dynamic Content',
        'Topic :: Internet :: WWW/HTTP :: WSGI',
        'Topic :: Software Development :: Libraries :: Application Frameworks',
        'Topic :: Software Development :: Libraries :: Python Modules',
   ],
)
